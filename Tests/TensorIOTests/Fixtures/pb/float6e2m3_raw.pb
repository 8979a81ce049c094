B
float6e2m3JÈ÷ƒ