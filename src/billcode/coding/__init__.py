"""Medical coding: ICD-10-CM and HCPCS Level II code formats, look-ups and hints (03_coding and 03b build on it)."""
