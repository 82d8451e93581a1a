"""共识地图: open questions of a topic on which residents post short statements and vote
agree / disagree / pass; the worker computes opinion groups (compute.py)."""
