import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils import translation
from django_otp.oath import TOTP
from rest_framework.test import APIClient

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    translation.activate("en")


@pytest.fixture
def hashing(monkeypatch):
    """Every password hashed or checked from now on (the suite's hasher is MD5)."""
    calls = []
    verify, encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode

    def counting_verify(self, password, encoded):
        calls.append("verify")
        return verify(self, password, encoded)

    def counting_encode(self, password, salt):
        calls.append("encode")
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counting_verify)
    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    return calls


@pytest.fixture
def api_client(db):
    return APIClient()


def current_token(device):
    """The code the device's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def wrong_token(device):
    return f"{(int(current_token(device)) + 1) % 10**device.digits:0{device.digits}d}"
