"""Prompts on known topics, for the topics tests: each topic has its own words, and
every prompt mixes two or three of them with words that all topics share."""

import numpy as np

TOPICS: dict[str, tuple[str, ...]] = {
    "refund": ("refund", "return", "money", "order", "receipt", "reimburse"),
    "shipping": ("parcel", "delivery", "courier", "tracking", "address", "dispatch"),
    "account": ("password", "login", "account", "reset", "username", "locked"),
    "billing": ("invoice", "charge", "payment", "card", "billing", "subscription"),
}
# The topic that appears, untagged, in the last week of the month.
NEW_TOPIC = ("mortgage", "loan", "interest", "rate", "repayment", "lender")
SHARED = ("please", "help", "need", "quickly", "question", "today", "thanks", "again")
TEMPLATES = ("Can you {0} with my {1} {2}?", "I {0} about the {1} and {2}.",
             "{0}: my {1} is wrong, {2}", "Why is {1} {2}? {0}")


def planted_prompt(rng: np.random.Generator, words: tuple[str, ...]) -> str:
    """A prompt on the topic of `words`."""
    picked = rng.choice(words, size=2, replace=False)
    template = str(rng.choice(TEMPLATES))
    return template.format(str(rng.choice(SHARED)), *(str(w) for w in picked))
