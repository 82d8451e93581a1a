"""Meetings (议事会, 联席会议, 紧急议事会), their resolutions, 公示, execution and
supervision. Its own transition tables live in meetings/transitions.py."""
