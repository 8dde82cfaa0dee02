"""Every property of the contract, in the order a run checks and reports them."""

from __future__ import annotations

from typing import Any

from codegen.contract.properties.bulk import (
    bulk_lists_are_disjoint,
    bulk_lists_hold_exactly_the_requested_ids,
    issued_certificates_reach_the_portfolio,
    known_users_succeed,
    unknown_templates_are_errors,
    unknown_users_fail,
)
from codegen.contract.properties.expectations import (
    count_is_the_total,
    cursors_stay_usable,
    identical_requests_get_identical_answers,
)
from codegen.contract.properties.pagination import (
    after_returns_the_following_nodes,
    before_returns_the_preceding_nodes,
    first_and_last_together_follow_the_algorithm,
    has_next_page_tells_the_truth,
    has_previous_page_tells_the_truth,
    negative_sizes_are_errors,
    next_pages_are_not_empty,
    page_cursors_match_the_edges,
    pages_never_exceed_their_size,
    pages_respect_the_page_size_limit,
    traversals_yield_every_node_once,
)
from codegen.contract.properties.responses import (
    invalid_documents_get_errors,
    responses_conform_to_the_schema,
    valid_documents_never_get_5xx,
)
from codegen.contract.property import Property

__all__ = ["PROPERTIES"]

PROPERTIES: tuple[Property[Any], ...] = (
    pages_never_exceed_their_size,
    pages_respect_the_page_size_limit,
    negative_sizes_are_errors,
    has_next_page_tells_the_truth,
    has_previous_page_tells_the_truth,
    page_cursors_match_the_edges,
    after_returns_the_following_nodes,
    before_returns_the_preceding_nodes,
    first_and_last_together_follow_the_algorithm,
    traversals_yield_every_node_once,
    next_pages_are_not_empty,
    count_is_the_total,
    identical_requests_get_identical_answers,
    cursors_stay_usable,
    bulk_lists_are_disjoint,
    bulk_lists_hold_exactly_the_requested_ids,
    unknown_users_fail,
    known_users_succeed,
    issued_certificates_reach_the_portfolio,
    unknown_templates_are_errors,
    valid_documents_never_get_5xx,
    responses_conform_to_the_schema,
    invalid_documents_get_errors,
)
