"""Usage detail exports (CSV, XLSX, PDF) and the monthly detail by e-mail: the queue, the
jobs, the writers, the storage port and the signed download links."""
