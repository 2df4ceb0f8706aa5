"""Charity and community funds (issue 6): earmarked donations, approved disbursements, FIFO
tracing of every disbursed fen back to its source, in-kind goods."""
