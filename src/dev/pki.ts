// A throwaway PKI for a local control plane, made with the openssl command line (Node can sign
// nothing itself): one CA, the API server's serving certificate, an admin client certificate in
// system:masters, and the RSA key pair that signs ServiceAccount tokens.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  /** Signs ServiceAccount tokens (kube-apiserver --service-account-signing-key-file). */
  saKey: string;
  /** Verifies them (--service-account-key-file). */
  saPub: string;
}

export class OpensslMissingError extends Error {
  constructor() {
    super(
      "openssl is not installed; the local control plane needs it to make its certificates. " +
        'Install it (Debian/Ubuntu: apt-get install openssl), or use an existing cluster with E2E_KUBECONFIG.',
    );
    this.name = 'OpensslMissingError';
  }
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new OpensslMissingError();
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Issues a leaf certificate signed by the CA (OpenSSL 3: `req -x509 -CA`). */
async function leaf(dir: string, name: string, subject: string, extensions: string[]): Promise<void> {
  await openssl(
    ['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', subject, '-days', '30',
      '-CA', 'ca.crt', '-CAkey', 'ca.key', ...extensions.flatMap((e) => ['-addext', e])],
    dir,
  );
}

/** Writes the PKI into `dir` (which must exist) and returns the file paths (under a second). */
export async function createPki(dir: string): Promise<Pki> {
  const sa = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key'], dir).then(() =>
    openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir),
  );
  await openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=cpi-local-ca', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  const leafUsage = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];
  await Promise.all([
    leaf(dir, 'server', '/CN=kube-apiserver', [...leafUsage, 'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc']),
    leaf(dir, 'admin', '/O=system:masters/CN=admin', [...leafUsage, 'extendedKeyUsage=clientAuth']),
    sa,
  ]);
  const p = (f: string) => join(dir, f);
  return {
    caCert: p('ca.crt'), caKey: p('ca.key'), serverCert: p('server.crt'), serverKey: p('server.key'),
    adminCert: p('admin.crt'), adminKey: p('admin.key'), saKey: p('sa.key'), saPub: p('sa.pub'),
  };
}

