"""Governance: committee approvals signed by the members themselves, owners' votes under PRC Civil
Code art. 278, policies and spending only through the process."""
