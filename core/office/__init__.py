"""The health office dashboard (/kantor/)."""
