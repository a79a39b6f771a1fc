-- "Allow private addresses" (allow_private_urls) becomes an allow-list of
-- networks (private_networks). Where it was on, the private ranges are
-- listed (RFC 1918 and fc00::/7); loopback, link-local and the metadata
-- addresses, which it also opened, are not: an administrator lists them
-- explicitly if need be.
INSERT INTO settings (key, value)
SELECT 'private_networks', CASE WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'allow_private_urls' AND value = 'true')
  THEN '10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7' ELSE '' END;
DELETE FROM settings WHERE key = 'allow_private_urls';
