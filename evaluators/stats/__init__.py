"""Pure statistics behind the drift and accuracy evaluators: no database, no scheduler."""
