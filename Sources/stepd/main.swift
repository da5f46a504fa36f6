print("stepd")
