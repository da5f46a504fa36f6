print("stepctl")
