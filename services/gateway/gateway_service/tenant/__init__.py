"""The tenant admin's tenant-wide configuration: tenant settings (CRM URL and deadline),
the CRM test, and address-book and directory imports."""
