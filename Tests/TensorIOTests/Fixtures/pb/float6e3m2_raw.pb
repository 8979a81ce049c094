B
float6e3m2JÌ÷ƒ