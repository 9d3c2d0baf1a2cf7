"""Language work shared by the parsers and the checks: UK dates and the spaCy pipeline."""
