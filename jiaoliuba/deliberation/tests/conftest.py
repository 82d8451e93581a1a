from jiaoliuba.deliberation.tests.vote_fixtures import (  # noqa: F401
    UNITS_HEADER,
    make_vote,
    organiser,
    owner_vote,
    verified,
)
