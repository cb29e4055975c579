"""Built-in demo data: the COGWG 2020 work plan as presented to the Joint Councils."""
