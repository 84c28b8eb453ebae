"""Fees (托费), second/third-child reductions and the prepaid ledger (预收费台账)."""
