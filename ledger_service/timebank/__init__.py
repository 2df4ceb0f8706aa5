"""The time bank (時間銀行): attested service minutes, catalog redemption, the pool and proxies."""
