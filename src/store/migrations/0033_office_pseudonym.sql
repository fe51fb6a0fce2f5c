-- The office-wide pseudonym (issue 41; docs/OFFICE.md, "Appeals at the office"): once a workstation
-- has joined an office it holds the office's pseudonym key (handed out at enrolment, kept in this
-- encrypted database — a workstation joins only with one) and pseudonymises each applicant under it
-- too, so the office tells the same applicant writing to two prosecutors. Appeals imported before
-- the workstation joined have none (the IIN is gone); importing them again gives it.
ALTER TABLE appeals ADD COLUMN applicant_office TEXT;
ALTER TABLE office_link ADD COLUMN pseudonym_key TEXT;
