"""Themes found in the prompts of calls nobody tagged, tracked from window to window.

`themes` clusters one window's redacted prompts (pure: no database); `tracking` matches
a window's themes with earlier ones (new, growing, fading); `job` reads the window,
writes `topic_theme` rows and blanks the prompt content it no longer needs. Imports
`metrics` and the shared evaluator modules only.
"""
