"""One module per good-practice check; ``mast_intake.validation.catalogue`` lists them in order."""
