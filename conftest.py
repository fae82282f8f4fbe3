import pytest


@pytest.fixture
def cast(db):
    """The standard cast of users: see sanxiang/org/testing.py."""
    from sanxiang.org.testing import make_cast

    return make_cast()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher would make each take a tenth of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
