"""表决: votes of residents and owner votes (业主共同决定). See docs/votes.md."""
