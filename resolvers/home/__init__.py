"""Home internet and TV contracts (договоры): lines of kind HOME, named by contract number."""
