"""What the demo's calls say: a few prompts per use case, asked again and again, each
answered well or badly, so that thumbs on both sides give preference pairs."""

import numpy as np

# use case -> (prompts, a good answer and a bad one)
CONTENT: dict[str, tuple[tuple[str, ...], tuple[str, str]]] = {
    "refund": (("How do I get a refund for my order?", "Can I return an item I opened?",
                "My refund has not arrived, what now?"),
               ("Open Orders, pick the order and choose Refund; the money is back within "
                "5 working days.", "Refunds are not possible.")),
    "shipping": (("Where is my parcel?", "Can I change the delivery address?",
                  "Do you ship abroad?"),
                 ("Your tracking link is under Orders; the address can be changed until the "
                  "parcel is dispatched.", "Please wait.")),
    "account": (("How do I reset my password?", "Can I delete my account?",
                 "How do I change my e-mail address?"),
                ("Go to Settings, then Security, and follow the link we send you.",
                 "Contact support.")),
    "billing": (("Why was I charged twice?", "Where do I find my invoice?",
                 "Can I pay by bank transfer?"),
                ("A second charge is a pending authorisation and disappears within 3 days; "
                 "invoices are under Billing.", "Check your bank.")),
    "warranty": (("Is my blender still under warranty?", "How do I claim the warranty?",
                  "Does the warranty cover water damage?"),
                 ("The warranty lasts 2 years from delivery; claim it under Orders with a "
                  "photo of the fault.", "Warranty questions go to the manufacturer.")),
    "review": (("Review this pull request for thread safety.",
                "Is this SQL query safe from injection?", "Review the error handling here."),
               ("The counter is updated without the lock on line 42; take the lock or use "
                "an atomic.", "Looks good to me.")),
    "explain": (("Explain what this regular expression matches.",
                 "What does this decorator do?", "Why is this loop quadratic?"),
                ("It matches ISO dates: four digits, a dash, two digits, a dash, two digits.",
                 "It is code.")),
    "test_generation": (("Write unit tests for the parser.",
                         "Add a test for the empty input case.",
                         "Write a property test for the sort function."),
                        ("def test_empty_input_gives_no_records(): assert parse('') == []",
                         "Tests are not needed here.")),
}


CLOSINGS = ("Anything else?", "Hope this helps.")


def call_content(rng: np.random.Generator, use_case: str, good: bool) -> dict[str, str]:
    """A prompt of `use_case` (now and then typed in lower case or with stray spaces)
    and its good or bad answer, as `prompt` and `completion` attributes."""
    prompts, (good_answer, bad_answer) = CONTENT[use_case]
    prompt = str(rng.choice(prompts))
    if rng.random() < 0.2:
        prompt = f"  {prompt.lower()} "
    answer = good_answer if good else bad_answer
    if rng.random() < 0.5:
        answer = f"{answer} {str(rng.choice(CLOSINGS))}"
    return {"prompt": prompt, "completion": answer}
