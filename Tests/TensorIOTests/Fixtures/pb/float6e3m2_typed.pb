*? B
float6e3m2