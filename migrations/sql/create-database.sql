-- SecureAccess: database and accounts for MySQL 8 / MariaDB 10.6+ (DESIGN §3).
-- Run once as an administrator, after replacing the three passwords:
--   mysql -u root -p < migrations/sql/create-database.sql
-- Then migrate as secureaccess_migrate and run the API as secureaccess_app:
--   DATABASE_URL=mysql://secureaccess_migrate:…@db:3306/secureaccess npm run db:migrate
--   DATABASE_URL=mysql://secureaccess_app:…@db:3306/secureaccess npm start
-- '%' accepts connections from any host; narrow it (e.g. '10.0.%') to where the API runs.

CREATE DATABASE IF NOT EXISTS `secureaccess`
  CHARACTER SET utf8mb4
  COLLATE utf8mb4_unicode_ci;

-- Schema changes: owns the tables, used only by `npm run db:migrate` / `db:rollback`.
CREATE USER IF NOT EXISTS 'secureaccess_migrate'@'%' IDENTIFIED BY 'CHANGE-ME-migrate-password';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, LOCK TABLES
  ON `secureaccess`.* TO 'secureaccess_migrate'@'%';

-- The running API: reads and writes rows, cannot change or drop the schema.
CREATE USER IF NOT EXISTS 'secureaccess_app'@'%' IDENTIFIED BY 'CHANGE-ME-app-password';
GRANT SELECT, INSERT, UPDATE, DELETE
  ON `secureaccess`.* TO 'secureaccess_app'@'%';

-- Backups (docs/operations.md): `mysqldump --single-transaction --no-tablespaces` reads only.
CREATE USER IF NOT EXISTS 'secureaccess_backup'@'%' IDENTIFIED BY 'CHANGE-ME-backup-password';
GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES
  ON `secureaccess`.* TO 'secureaccess_backup'@'%';
