/** `pump-migrate --help` (also the source of its man page). */
export function migrateHelp(): string {
  return `Usage: pump-migrate --from OLD_CONFIG [options] [server options]

Moves an existing pump.io site (the original server) into this server's
database: people with their passwords, profiles, every object, activities,
all streams in the same order, OAuth clients and tokens (apps stay
authorised), remote people, Dialback credentials and remote hosts, and the
uploaded files. Ids and URLs stay the same.

  --from OLD_CONFIG    the old site's JSON config file (e.g. its
                       /etc/pump.io.json); its "driver" and "params" say
                       how to read the old database (redis, mongodb, or any
                       installed databank-<name>), its "datadir" where the
                       uploads are
  --stop-after PHASE   stop after this phase, to migrate in steps
                       (phases: check, objects, activities, users,
                       relations, oauth, streams, legacy, uploads)
  --no-progress        no progress bar (one line per phase is always printed)
  -h, --help           this text

This server's database is configured as for \`pump\`: its config file
(-c FILE, PUMPIO_CONFIG, /etc/pump.io.json, ~/.pump.io.json), PUMPIO_*
variables and flags such as --driver, --params, --datadir. Set the same
hostname and urlPort as the old site: the check phase refuses to start
otherwise, since people's ids are made from them.

Stop the old site first and do not start this server until the migration
has finished. A run that stops (Ctrl-C, crash) resumes where it was when
run again; running it after it finished changes nothing. At the end it
prints the number of records per type, written and unchanged.
`;
}
