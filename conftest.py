pytest_plugins = ["jiaoliuba.testing.fixtures", "jiaoliuba.testing.browser"]
