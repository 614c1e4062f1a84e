# Which shape do a batch of 8 column vectors and a row of 5 biases combine into?
puts [torch::broadcast_shapes {8 4 1} {1 5}]
puts [torch::broadcastShapes -shapes {{3 1} {} {6 1 7}}]
