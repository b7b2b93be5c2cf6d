"""Quality: accuracy of graded samples and feedback scores per window with confidence
intervals (`accuracy`, `feedback`, `estimates`), and feedback exported as preference
data for fine-tuning (`preferences`).
"""
