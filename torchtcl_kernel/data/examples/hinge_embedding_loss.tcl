# Distances between pairs of items: similar pairs (1) pay their distance, dissimilar pairs (-1)
# pay only when closer than the margin of 2.
set distance [torch::tensor_create {0.3 1.2 0.5 3.0}]
set label [torch::tensor_create {1.0 1.0 -1.0 -1.0}]
puts [torch::tensor_print [torch::hinge_embedding_loss $distance $label 2.0 none]]
puts "mean: [torch::tensor_item [torch::hingeEmbeddingLoss -input $distance -target $label -margin 2.0]]"
