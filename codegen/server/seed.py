"""Deterministic seed data: realistic template names with many ties, and users."""

from __future__ import annotations

import random
import uuid

from codegen.server.storage import Certificate, User

__all__ = ["make_certificates", "make_users"]

NAMES = (
    "Project Management",
    "First Aid",
    "Fire Safety",
    "GDPR Awareness",
    "Leadership Essentials",
    "Customer Service Excellence",
    "Health and Safety",
    "Information Security",
    "Time Management",
    "Agile Fundamentals",
    "Food Hygiene",
    "Conflict Resolution",
)
TITLES = ("Certificate of Completion", "Certificate of Achievement", "Diploma", "Attestation")
PEOPLE = (
    "Anna de Vries",
    "Bram Jansen",
    "Chloé Martin",
    "Daan Bakker",
    "Emma Visser",
    "Finn Smit",
    "Grace Mulder",
    "Hugo de Boer",
    "Isa Meijer",
    "Jesse Bos",
)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def make_certificates(count: int, seed: int) -> list[Certificate]:
    """`count` templates; several share each name, and about a quarter have no title."""
    rng = random.Random(f"certificates:{seed}")
    result = []
    for _ in range(count):
        name = rng.choice(NAMES)
        level = rng.choice(("", "", " Basic", " Advanced"))
        title = None if rng.random() < 0.25 else f"{rng.choice(TITLES)}: {name}{level}"
        result.append(Certificate(_uuid(rng), f"{name}{level}", title))
    return result


def make_users(count: int, seed: int) -> list[User]:
    """`count` known users with unique e-mail addresses."""
    rng = random.Random(f"users:{seed}")
    users = []
    for index in range(count):
        name = PEOPLE[index % len(PEOPLE)]
        if index >= len(PEOPLE):
            name = f"{name} {index // len(PEOPLE) + 1}"
        email = name.lower().replace(" ", ".").replace("é", "e") + "@example.org"
        users.append(User(_uuid(rng), name, email))
    return users
