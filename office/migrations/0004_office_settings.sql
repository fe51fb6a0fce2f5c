-- What the office sets once for all its workstations: today the connectors' network (an extra CA
-- bundle for the office's HTTPS-inspecting firewall, a proxy). Written on the server's console by a
-- named administrator, read by every pull (the app role may only read it).
CREATE TABLE office_settings (
    key     text PRIMARY KEY,
    value   jsonb NOT NULL,
    set_by  text NOT NULL,
    set_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON office_settings TO ekn_office_app;
