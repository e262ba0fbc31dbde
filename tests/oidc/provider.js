// An OpenID Connect provider for the single sign-on tests (node-oidc-provider), on
// 127.0.0.1 only, with everything in memory:
//
//   node provider.js PORT REDIRECT_URI[,REDIRECT_URI...] [CLIENT_ID] [CLIENT_SECRET]
//
// One confidential client (default "hiring" / "hiring-test-secret") may use the given
// redirect URIs. The login page is the library's development page: any login with any
// password signs in, and the login decides the account's claims:
//   - email is the login as typed, name its part before the @;
//   - email_verified is false when the login starts with "unverified", else true;
//   - groups is ["hiring-hr"] when the login starts with "hr", ["hiring-interviewers"]
//     when it starts with "interviewer", else empty.
// Consent is granted at once (as a company's own provider does for its own apps), so
// after the login the browser goes straight back to the client.
import Provider from 'oidc-provider';

const [port, redirects, clientId = 'hiring', clientSecret = 'hiring-test-secret'] =
  process.argv.slice(2);
if (!port || !redirects) {
  console.error('usage: node provider.js PORT REDIRECT_URI[,REDIRECT_URI...]');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const CLAIMS = ['email', 'email_verified', 'name', 'groups'];

function claimsOf(login) {
  const lower = login.toLowerCase();
  let groups = [];
  if (lower.startsWith('hr')) groups = ['hiring-hr'];
  else if (lower.startsWith('interviewer')) groups = ['hiring-interviewers'];
  return {
    sub: `sub-${lower}`,
    email: login,
    email_verified: !lower.startsWith('unverified'),
    name: login.split('@')[0],
    groups,
  };
}

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirects.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() { return claimsOf(id); },
    };
  },
  async loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return Grant.find(grantId);
    const grant = new Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(CLAIMS);
    await grant.save();
    return grant;
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key'] },
};

const provider = new Provider(issuer, configuration);
const server = provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc provider listening on ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
