*? B
float6e2m3