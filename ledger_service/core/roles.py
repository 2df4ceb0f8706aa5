"""The role names of ``contracts/access/Roles.sol`` (each is ``keccak256("civic.role.<name>")``)."""

ROLES = ("admin", "accountant", "committee", "coordinator", "auditor", "fund_keeper", "resident_rep")
