"""The RPL pre-screen: evidence against a national scheme's rules (``assess.py``)."""
from matching.rpl.assess import Assessment, RplEvidence, WorkPeriod, assess

__all__ = ["Assessment", "RplEvidence", "WorkPeriod", "assess"]
