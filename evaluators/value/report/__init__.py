"""The monthly value report: gathered from the store, rendered as HTML, PDF, JSON or Markdown."""
