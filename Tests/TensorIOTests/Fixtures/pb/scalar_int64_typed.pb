:
€€€€€€€€€Bscalar_int64