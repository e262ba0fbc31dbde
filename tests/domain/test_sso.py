"""Single sign-on rules without a provider: the providers' settings, the ID token's
checks (tokens signed here with joserfc, as a provider signs them), the role claim."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet, OctKey, RSAKey

from hiring import sso

ISSUER = "https://id.example.com/tenant"
CLIENT = "hiring-client"
NONCE = "n-0S6_WzA2Mj"


@pytest.fixture(scope="module")
def key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1"})


@pytest.fixture(scope="module")
def keys(key) -> KeySet:
    """What the provider publishes at its jwks_uri: the public key only."""
    return KeySet.import_key_set({"keys": [key.as_dict(private=False)]})


def claims(**changes) -> dict:
    now = int(time.time())
    found = {"iss": ISSUER, "sub": "248289761001", "aud": CLIENT, "exp": now + 300,
             "iat": now, "nonce": NONCE, "email": "ana@example.com", "email_verified": True}
    found.update(changes)
    return {k: v for k, v in found.items() if v is not None}


def sign(key, payload: dict, alg: str = "RS256", kid: str = "k1") -> str:
    return jwt.encode({"alg": alg, "kid": kid}, payload, key)


def verify(token: str, keys: KeySet, **changes) -> dict:
    options = {"issuer": ISSUER, "client_id": CLIENT, "nonce": NONCE, **changes}
    return sso.verify_id_token(token, keys=keys, **options)


def test_a_good_token_gives_its_claims(key, keys):
    found = verify(sign(key, claims()), keys)
    assert found["email"] == "ana@example.com" and found["sub"] == "248289761001"
    # An audience list that includes the client is fine with azp naming it.
    assert verify(sign(key, claims(aud=[CLIENT, "other"], azp=CLIENT)), keys)["sub"]


@pytest.mark.parametrize("change", [
    {"iss": "https://evil.example.com/tenant"},  # another issuer
    {"aud": "another-client"},  # made for another client
    {"aud": [CLIENT, "other"]},  # several audiences without azp naming this client
    {"exp": int(time.time()) - 3600},  # expired
    {"nonce": "an-earlier-login"},  # replayed from another login
    {"nonce": None},  # no nonce
    {"iat": None},  # essential claims missing
    {"sub": None},
])
def test_a_wrong_token_is_refused(key, keys, change):
    with pytest.raises(sso.SsoError) as refused:
        verify(sign(key, claims(**change)), keys)
    assert refused.value.reason == "id_token"


def test_a_token_signed_with_another_key_is_refused(keys):
    forger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(sso.SsoError):
        verify(sign(forger, claims()), keys)


def test_an_unknown_key_id_asks_for_the_keys_again(key, keys):
    with pytest.raises(InvalidKeyIdError):
        verify(sign(key, claims(), kid="rotated"), keys)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_shared_secret_and_unsigned_tokens_are_refused(keys):
    secret = OctKey.import_key(b"a shared secret of thirty-two b!")
    with pytest.raises(sso.SsoError):
        verify(sign(secret, claims(), alg="HS256"), keys)
    header = b64(b'{"alg":"none"}')
    unsigned = f"{header}.{b64(json.dumps(claims()).encode())}."
    with pytest.raises(sso.SsoError):
        verify(unsigned, keys)


def test_the_access_token_hash_is_checked(key, keys):
    access = "an-access-token"
    digest = hashlib.sha256(access.encode()).digest()[:16]
    at_hash = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    token = sign(key, claims(at_hash=at_hash))
    assert verify(token, keys, access_token=access)["at_hash"] == at_hash
    with pytest.raises(sso.SsoError):
        verify(token, keys, access_token="another-token")


def provider(**changes) -> dict:
    return {"name": "entra", "label": "Microsoft", "issuer": ISSUER, "client_id": CLIENT,
            "client_secret": "s", **changes}


def test_providers_are_read_from_the_setting():
    [found] = sso.providers([provider(role_claim="roles", role_map={"HR": "hr"},
                                      email_domains=["@Example.com"], scopes="openid email")])
    assert found.metadata_url == ISSUER + "/.well-known/openid-configuration"
    assert found.scopes == ("openid", "email") and found.email_domains == ("example.com",)
    assert not found.create_users and found.default_role is None and not found.trusted_mfa
    local = sso.providers([provider(issuer="http://127.0.0.1:9000")])[0]
    assert local.issuer == "http://127.0.0.1:9000"


@pytest.mark.parametrize(("entry", "message"), [
    (provider(issuer="http://id.example.com"), "issuer must be an https:// URL"),
    (provider(name="Entra ID"), "name must be lower-case"),
    (provider(client_secret=""), "client_secret is required"),
    (provider(role_map={"HR": "boss"}), "role_map maps claim values"),
    (provider(default_role="admin"), "default_role must be"),
    (provider(scopes=["email"]), "includes openid"),
    (provider(create_users="yes"), "create_users must be true or false"),
    (provider(tenant="x"), "unknown keys"),
    ("entra", "must be a dictionary"),
])
def test_a_wrong_provider_stops_the_start(entry, message):
    with pytest.raises(sso.ProviderConfigError, match=message):
        sso.providers([entry])


def test_two_providers_cannot_share_a_name():
    with pytest.raises(sso.ProviderConfigError, match="two providers are named"):
        sso.providers([provider(), provider(label="Other")])


def test_the_role_claim_maps_to_a_role():
    [found] = sso.providers([provider(role_claim="groups", role_map={
        "staff-hr": "hr", "staff-int": "interviewer"})])
    assert sso.role_from_claims(found, {"groups": "staff-int"}) == "interviewer"
    assert sso.role_from_claims(found, {"groups": ["staff-int", "staff-hr"]}) == "hr"
    assert sso.role_from_claims(found, {"groups": ["other"]}) is None
    assert sso.role_from_claims(found, {}) is None
    [plain] = sso.providers([provider()])
    assert sso.role_from_claims(plain, {"groups": "staff-hr"}) is None


def test_a_provider_may_name_the_claim_that_verifies_the_email(db, clock):
    from tests.factories import make_user

    [entra] = sso.providers([provider(verified_claim="xms_edov")])
    with db() as session:
        user = make_user(session, role="hr", email="ana@example.com")
        with pytest.raises(sso.Refused) as refused:
            sso.match(entra, {"email": "ana@example.com", "email_verified": True},
                      session=session, now=clock())
        assert refused.value.reason == "unverified"
        found = sso.match(entra, {"email": "Ana@Example.com", "xms_edov": True},
                          session=session, now=clock())
        assert found.user.id == user.id and found.how == "existing"
        with pytest.raises(sso.Refused):
            sso.match(entra, {"email": "ana@example.com", "xms_edov": "false"},
                      session=session, now=clock())
