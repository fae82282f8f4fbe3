"""The case API (办案接口): REST endpoints under /api/v1/cases/ for field and mobile use."""
