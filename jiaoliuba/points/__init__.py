"""积分: an append-only points ledger, the points store (积分超市) and its redemptions.
Other apps tell it of acts through `services.points_award`; it imports none of them."""
