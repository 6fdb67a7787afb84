"""Medical coding: ICD-10-CM and HCPCS Level II code formats, look-ups and hints (03_coding builds on it)."""
