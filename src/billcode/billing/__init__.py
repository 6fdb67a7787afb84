"""Medical billing: synthetic claims and remittances, X12 files, patient responsibility, denials and A/R."""
