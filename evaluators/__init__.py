"""Scheduled evaluator jobs: drift, accuracy, KPIs, value scorecard, monthly report."""
