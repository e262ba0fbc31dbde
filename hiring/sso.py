"""Single sign-on for staff with OpenID Connect (the authorization code flow, through Authlib).

Providers come from the OIDC_PROVIDERS setting (`providers` checks them when the app
starts). A login goes: `start` builds the provider's authorization URL with a random
state, a nonce and a PKCE challenge (S256), kept in the browser's signed session; the
provider sends the browser back to the callback with a code, which `finish` exchanges
for tokens at the provider's token endpoint (server to server, with a timeout), and the
ID token is verified (`verify_id_token`: signature with the provider's published keys,
issuer, audience, expiry, nonce, and the access token's hash when there is one).

Who the person is then follows from their e-mail only when the provider says it is
verified (`match`: the claim email_verified, or the provider's `verified_claim`): an
active account with that e-mail logs in (an open invitation of the account is taken up
through hiring.staff.accept_invitation); an unknown e-mail gets an account only when the
provider's `create_users` allows it, with the role its role claim maps to (`role_map`) or
its `default_role`. Every other case is a `Refused` with a reason the web layer words for
the person. Flushes only.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, col, select

from hiring import staff
from hiring.accounts import AccountError, check_new_user
from hiring.config import ConfigError
from hiring.email_address import normalize_email
from hiring.models import Role, SsoProvider, User

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_SCOPES = ("openid", "email", "profile")
# Asymmetric signatures only: "none" and the shared-secret HS* algorithms are refused.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
              "ES512", "EdDSA"]
LEEWAY_SECONDS = 60  # clock difference allowed between the provider and this server
METADATA_FOR = 3600.0  # seconds a discovery document and its keys are kept
FLOW_FOR = 600  # seconds between leaving for the provider and coming back
PROVIDER_KEYS = {"name", "label", "issuer", "discovery_url", "client_id", "client_secret",
                 "scopes", "role_claim", "role_map", "create_users", "default_role",
                 "trusted_mfa", "email_domains", "sync_role", "verified_claim"}


class ProviderConfigError(ConfigError):
    """OIDC_PROVIDERS holds an entry that cannot be used; the message says which and why."""


class SsoError(Exception):
    """The sign-in did not complete: the provider answered an error or could not be
    reached, or what came back failed a check. `reason` is a short code for the audit
    log; the message is for the server's log, never shown as it is."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class Refused(Exception):
    """The person signed in at the provider, but may not log in here; `reason` says why
    ("unverified", "domain", "deactivated", "unknown", "no_role", "invitation_expired",
    "other_email")."""

    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    discovery_url: str = ""
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    role_claim: str | None = None
    role_map: Mapping[str, str] = field(default_factory=dict)
    create_users: bool = False
    default_role: str | None = None
    trusted_mfa: bool = False  # the provider asks a second factor itself: none asked here
    email_domains: tuple[str, ...] = ()  # when set, only e-mails of these domains
    sync_role: bool = False  # an existing account's role follows the role claim
    # The claim that says the e-mail is verified: Microsoft Entra ID sends none of this
    # name, but its optional claim xms_edov (the e-mail's domain is the tenant's, verified).
    verified_claim: str = "email_verified"

    @property
    def metadata_url(self) -> str:
        return self.discovery_url or (self.issuer.rstrip("/")
                                      + "/.well-known/openid-configuration")


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(url: str, what: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and _loopback(url):  # a provider on this machine (tests)
        return
    raise ProviderConfigError(f"{where}: {what} must be an https:// URL, not {url!r}")


def providers(entries: object) -> list[Provider]:
    """Check the OIDC_PROVIDERS setting and return its providers in order."""
    if not isinstance(entries, list):
        raise ProviderConfigError("OIDC_PROVIDERS must be a list of providers")
    roles = {role.value for role in Role}
    found: list[Provider] = []
    for index, entry in enumerate(entries):
        where = f"OIDC_PROVIDERS[{index}]"
        if not isinstance(entry, dict):
            raise ProviderConfigError(f"{where} must be a dictionary")
        unknown = set(entry) - PROVIDER_KEYS
        if unknown:
            raise ProviderConfigError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("name", "issuer", "client_id", "client_secret"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ProviderConfigError(f"{where}: {key} is required (text)")
        name = entry["name"]
        where = f"OIDC_PROVIDERS[{index}] ({name})"
        if not NAME.match(name):
            raise ProviderConfigError(f"{where}: name must be lower-case letters, digits, "
                                      "- or _ (it is part of the redirect URI)")
        if any(other.name == name for other in found):
            raise ProviderConfigError(f"{where}: two providers are named {name!r}")
        _check_url(entry["issuer"], "issuer", where)
        if entry.get("discovery_url"):
            _check_url(entry["discovery_url"], "discovery_url", where)
        scopes = entry.get("scopes", list(DEFAULT_SCOPES))
        if isinstance(scopes, str):
            scopes = scopes.split()
        if not isinstance(scopes, list) or "openid" not in scopes:
            raise ProviderConfigError(f"{where}: scopes must be a list that includes openid")
        role_map = entry.get("role_map") or {}
        if not isinstance(role_map, dict) or any(
                not isinstance(key, str) or value not in roles
                for key, value in role_map.items()):
            raise ProviderConfigError(f"{where}: role_map maps claim values to "
                                      f"{' or '.join(sorted(roles))}")
        default_role = entry.get("default_role")
        if default_role is not None and default_role not in roles:
            raise ProviderConfigError(f"{where}: default_role must be "
                                      f"{' or '.join(sorted(roles))} or null")
        domains = entry.get("email_domains") or []
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise ProviderConfigError(f"{where}: email_domains must be a list of domains")
        verified_claim = entry.get("verified_claim") or "email_verified"
        if not isinstance(verified_claim, str):
            raise ProviderConfigError(f"{where}: verified_claim must be the name of a claim")
        for flag in ("create_users", "trusted_mfa", "sync_role"):
            if not isinstance(entry.get(flag, False), bool):
                raise ProviderConfigError(f"{where}: {flag} must be true or false")
        found.append(Provider(
            name=name, label=str(entry.get("label") or name), issuer=entry["issuer"],
            client_id=entry["client_id"], client_secret=entry["client_secret"],
            discovery_url=entry.get("discovery_url") or "", scopes=tuple(scopes),
            role_claim=entry.get("role_claim") or None, role_map=dict(role_map),
            create_users=entry.get("create_users", False), default_role=default_role,
            trusted_mfa=entry.get("trusted_mfa", False),
            email_domains=tuple(d.strip().lower().lstrip("@") for d in domains),
            sync_role=entry.get("sync_role", False), verified_claim=verified_claim))
    return found


# --- talking to the provider -------------------------------------------------------------

_cache: dict[str, tuple[float, dict]] = {}


def _get_json(url: str, *, timeout: float, headers: dict | None = None) -> dict:
    try:
        response = requests.get(url, timeout=timeout, headers=headers or {},
                                allow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoError("unreachable", f"GET {url}: {exc}") from exc
    if not isinstance(data, dict):
        raise SsoError("unreachable", f"GET {url}: not a JSON object")
    return data


def metadata(provider: Provider, *, timeout: float, fresh: bool = False) -> dict:
    """The provider's discovery document (kept METADATA_FOR seconds); checked to name
    the configured issuer and the endpoints the code flow needs."""
    url = provider.metadata_url
    cached = _cache.get(url)
    if cached and not fresh and time.monotonic() - cached[0] < METADATA_FOR:
        found = cached[1]
    else:
        found = _get_json(url, timeout=timeout)
    # Checked every time: two providers may share a document but not an issuer.
    if found.get("issuer") != provider.issuer:
        raise SsoError("issuer", f"{url} names the issuer {found.get('issuer')!r}, not "
                                 f"{provider.issuer!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(found.get(key), str):
            raise SsoError("metadata", f"{url} has no {key}")
        if not (found[key].startswith("https://") or _loopback(found[key])):
            raise SsoError("metadata", f"{url}: {key} is not https")
    _cache[url] = (time.monotonic(), found)
    return found


def _keys(meta: dict, *, timeout: float, fresh: bool = False) -> KeySet:
    url = meta["jwks_uri"]
    cached = _cache.get(url)
    if cached and not fresh and time.monotonic() - cached[0] < METADATA_FOR:
        data = cached[1]
    else:
        data = _get_json(url, timeout=timeout)
        _cache[url] = (time.monotonic(), data)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SsoError("keys", f"{url}: {exc}") from exc


@dataclass(frozen=True)
class Flow:
    """What the callback must find again: kept in the browser's signed session."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    started: float  # seconds since the epoch

    def as_dict(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: object) -> Flow | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(provider=str(data["provider"]), state=str(data["state"]),
                       nonce=str(data["nonce"]), code_verifier=str(data["code_verifier"]),
                       redirect_uri=str(data["redirect_uri"]),
                       started=float(data["started"]))
        except (KeyError, TypeError, ValueError):
            return None


def _client(provider: Provider, redirect_uri: str, timeout: float) -> OAuth2Session:
    return OAuth2Session(client_id=provider.client_id, client_secret=provider.client_secret,
                         scope=" ".join(provider.scopes), redirect_uri=redirect_uri,
                         code_challenge_method="S256", default_timeout=timeout)


def start(provider: Provider, *, redirect_uri: str, timeout: float,
          language: str | None = None) -> tuple[str, Flow]:
    """Return the URL to send the browser to, and the flow to keep until it comes back."""
    meta = metadata(provider, timeout=timeout)
    flow = Flow(provider=provider.name, state=secrets.token_urlsafe(32),
                nonce=secrets.token_urlsafe(32), code_verifier=generate_token(64),
                redirect_uri=redirect_uri, started=time.time())
    extra = {"ui_locales": language} if language else {}
    with _client(provider, redirect_uri, timeout) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=flow.state,
            code_verifier=flow.code_verifier, nonce=flow.nonce, **extra)
    return url, flow


def verify_id_token(id_token: str, *, keys: KeySet, issuer: str, client_id: str,
                    nonce: str, access_token: str | None = None,
                    now: float | None = None) -> dict:
    """Return the claims of an ID token, or raise SsoError when its signature, issuer,
    audience, times, nonce or access token hash is wrong. `now` is the wall clock's
    time (the provider's clock signs the times), seconds since the epoch."""
    try:
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError, TypeError) as exc:
        raise SsoError("id_token", f"ID token: {exc}") from exc
    params = {"nonce": nonce, "client_id": client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(token.claims, token.header,
                         {"iss": {"essential": True, "value": issuer},
                          "aud": {"essential": True, "value": client_id}}, params)
    try:
        claims.validate(now=int(now if now is not None else time.time()),
                        leeway=LEEWAY_SECONDS)
    except (JoseError, ValueError, TypeError) as exc:
        raise SsoError("id_token", f"ID token: {exc}") from exc
    return dict(token.claims)


def finish(provider: Provider, flow: Flow, args: Mapping[str, str], *,
           timeout: float) -> dict:
    """Check the provider's answer against the flow, redeem the code and return the
    person's claims (from the ID token, and the userinfo endpoint when the ID token
    leaves out the e-mail)."""
    if flow.provider != provider.name:
        raise SsoError("state", "the sign-in was started with another provider")
    if not secrets.compare_digest(str(args.get("state", "")), flow.state):
        raise SsoError("state", "the state does not match")
    if time.time() - flow.started > FLOW_FOR:
        raise SsoError("expired", "the sign-in took too long")
    if args.get("error"):
        raise SsoError("provider", f"{args.get('error')}: {args.get('error_description', '')}")
    if args.get("iss") and args["iss"] != provider.issuer:  # RFC 9207: a mix-up
        raise SsoError("issuer", f"the answer comes from {args['iss']!r}")
    code = args.get("code")
    if not code:
        raise SsoError("provider", "no code in the answer")
    meta = metadata(provider, timeout=timeout)
    try:
        with _client(provider, flow.redirect_uri, timeout) as client:
            token = client.fetch_token(meta["token_endpoint"], grant_type="authorization_code",
                                       code=code, code_verifier=flow.code_verifier)
    except (OAuthError, requests.RequestException, ValueError) as exc:
        raise SsoError("token", f"token endpoint: {exc}") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoError("id_token", "the token endpoint sent no ID token")
    access_token = token.get("access_token")
    verify = dict(issuer=provider.issuer, client_id=provider.client_id, nonce=flow.nonce,
                  access_token=access_token)
    try:
        claims = verify_id_token(id_token, keys=_keys(meta, timeout=timeout), **verify)
    except InvalidKeyIdError:  # the provider has rotated its keys since they were kept
        try:
            claims = verify_id_token(id_token, keys=_keys(meta, timeout=timeout, fresh=True),
                                     **verify)
        except InvalidKeyIdError as exc:
            raise SsoError("id_token", f"ID token: {exc}") from exc
    if "email" not in claims and meta.get("userinfo_endpoint") and access_token:
        info = _get_json(meta["userinfo_endpoint"], timeout=timeout,
                         headers={"Authorization": f"Bearer {access_token}"})
        if info.get("sub") != claims.get("sub"):  # OpenID Connect Core 5.3.2
            raise SsoError("userinfo", "the userinfo endpoint names another subject")
        claims = {**info, **claims}
    return claims


# --- who signs in ------------------------------------------------------------------------

def _verified(claims: Mapping, claim: str = "email_verified") -> bool:
    value = claims.get(claim)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def role_from_claims(provider: Provider, claims: Mapping) -> str | None:
    """The role the provider's role claim maps to (HR before interviewer when values map
    to both), else None."""
    if not provider.role_claim:
        return None
    value = claims.get(provider.role_claim)
    values = value if isinstance(value, list) else [value]
    mapped = {provider.role_map.get(v) for v in values if isinstance(v, str)}
    for role in (Role.HR.value, Role.INTERVIEWER.value):
        if role in mapped:
            return role
    return None


@dataclass(frozen=True)
class SignIn:
    user: User
    how: str  # "existing", "invitation" or "created"
    role_before: str | None = None  # when sync_role changed the role


def match(provider: Provider, claims: Mapping, *, session: Session, now: datetime,
          invited_email: str | None = None) -> SignIn:
    """Find or create the account the claims name; raise Refused when none may log in.

    `invited_email` is the e-mail of the invitation whose page the sign-in began on:
    the provider must vouch for that same address."""
    raw = claims.get("email")
    email = normalize_email(raw) if isinstance(raw, str) else ""
    if not email or "@" not in email or not _verified(claims, provider.verified_claim):
        raise Refused("unverified", email)
    if provider.email_domains and email.rsplit("@", 1)[1] not in provider.email_domains:
        raise Refused("domain", email)
    if invited_email is not None and normalize_email(invited_email) != email:
        raise Refused("other_email", email)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None:
        if not user.active:
            raise Refused("deactivated", email)
        how = "existing"
        pending = staff.pending_invitation(user, session=session)
        if pending is not None and not user.password_hash:
            try:
                staff.accept_invitation(user, session=session, now=now)
            except staff.TokenInvalid:
                raise Refused("invitation_expired", email) from None
            how = "invitation"
        before = None
        role = role_from_claims(provider, claims) if provider.sync_role else None
        if role is not None and role != user.role:
            before, user.role = user.role, role
            session.add(user)
            session.flush()
        return SignIn(user, how, before)
    if not provider.create_users:
        raise Refused("unknown", email)
    role = role_from_claims(provider, claims) or provider.default_role
    if role is None:
        raise Refused("no_role", email)
    try:
        email = check_new_user(session=session, email=email, role=role)
    except AccountError:
        raise Refused("unverified", email) from None
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    # No password: this account logs in through its provider (an empty hash matches none).
    user = User(email=email, name=(name or "").strip()[:200] or email, role=role,
                password_hash="", created_at=now)  # nosec B106
    session.add(user)
    session.flush()
    return SignIn(user, "created")


# --- providers HR adds on a page (SsoProvider rows) --------------------------------------

def stored(*, session: Session) -> list[SsoProvider]:
    return list(session.exec(select(SsoProvider).order_by(col(SsoProvider.name))))


def stored_providers(*, session: Session) -> list[Provider]:
    """The active providers HR added, checked as the setting's are (a row that no longer
    passes, after an update of the rules, is left out)."""
    found = []
    for row in stored(session=session):
        if not row.active:
            continue
        try:
            found.extend(providers([{**row.settings, "name": row.name}]))
        except ProviderConfigError:
            continue
    return found


def save(*, session: Session, name: str, settings: dict, active: bool, now: datetime,
         by: User | None, taken: set[str], row: SsoProvider | None = None) -> SsoProvider:
    """Add a provider (row None) or change one; raise ProviderConfigError when its
    settings do not pass, or its name is taken (`taken`: the setting's names)."""
    settings = {key: value for key, value in settings.items() if key != "name"}
    [checked] = providers([{**settings, "name": name}])
    others = session.exec(select(SsoProvider.id).where(SsoProvider.name == checked.name)).all()
    if checked.name in taken or any(row is None or found != row.id for found in others):
        raise ProviderConfigError(f"a provider is named {checked.name!r} already")
    if row is None:
        row = SsoProvider(name=checked.name, settings=settings, active=active,
                          created_at=now, created_by=by.id if by else None)
    else:
        row.name, row.settings, row.active, row.updated_at = (checked.name, settings,
                                                              active, now)
    session.add(row)
    session.flush()
    return row


def delete(row: SsoProvider, *, session: Session) -> None:
    session.delete(row)
    session.flush()
