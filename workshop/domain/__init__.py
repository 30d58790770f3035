"""Pure domain rules: no Flask, no sqlite. Tested table-driven."""
