/** The text `pump --help` prints. */
export function helpText(): string {
  return `Usage: pump [options]

Runs the pump.io social server. Every configuration key can be set in a
config file, as a PUMPIO_* environment variable or as a command-line flag.

Options:
  -c, --config PATH   read only this JSON config file (also PUMPIO_CONFIG)
  -h, --help          show this help and exit
  -v, --version       show the version and exit
      --show-config   print the effective configuration (secrets redacted)
                      and exit; run it to check where a setting comes from
  --KEY VALUE         set any configuration key, e.g.
                        --hostname social.example.com --port 8000 --url-port 443
                        --params.host db.example.com      (nested keys)
                        --bounce, --no-bounce, --bounce false   (booleans)
                        --secret=-x                (for values starting with -)
                      write keys as-is (--urlPort) or in kebab-case (--url-port)

Main keys (defaults in brackets):
  hostname [127.0.0.1]   public host name used in every URL
  port [31337]           listen port;  address [hostname]  listen address
  urlPort [port]         port in public URLs (443 means https:// URLs)
  urlPath [none]         serve below a path, e.g. pumpio for /pumpio/...
  secret [none]          REQUIRED with the web UI: a long random string
  secretFile [none]      or a file holding it (created with a random secret)
  driver [sqlite]        sqlite, postgresql, mongodb, memory (tests only),
                         or the <name> of an installed databank-<name> package
  params [{}]            driver settings, e.g. {"host": "db", "dbname": "pump"}
  datadir [./data]       data directory (sqlite database, uploads)
  enableUploads [false]  accept file uploads into <datadir>/uploads
  maxUploadSize [10485760]  largest upload in bytes (bigger: 413)
  key, cert [none]       TLS key and certificate files: serve HTTPS
  trustProxy [false]     behind a reverse proxy: believe its X-Forwarded-For
                         and -Proto (true, a hop count, or its addresses)
  children [auto]        number of worker processes
  logLevel [info]        fatal, error, warn, info, debug or trace
  metricsPort [none]     serve the cluster's Prometheus metrics on this port
  metricsToken [none]    bearer token for /metrics (also on the main port)
  plugins [[]]           plugin modules to load in every worker

Environment variables:
  PUMPIO_<KEY> sets a key; case and underscores are ignored when matching
  (PUMPIO_URL_PORT=443 sets urlPort, PUMPIO_NO_CDN=true sets noCDN),
  and "__" nests (PUMPIO_PARAMS__HOST=db sets params.host).
  Booleans accept true/false, yes/no, on/off, 1/0. Lists and objects take JSON
  (PUMPIO_PARAMS='{"host":"db"}'); string lists also take a,b,c.

Config files (JSON), later ones override earlier ones:
  /etc/pump.io.json, then ~/.pump.io.json  (or only the file given by -c)
Precedence: built-in defaults < config files < PUMPIO_* variables < flags.
Objects such as params merge key by key across these layers; lists replace.

Every key, its default and its meaning: see pump.io.json.example. A key of
the original pump.io whose feature this version lacks stops pump with an
error naming it, unless it is off (false, null or empty).
`;
}
