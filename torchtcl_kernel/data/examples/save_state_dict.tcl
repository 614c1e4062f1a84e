# Export a model's weights as a plain PyTorch state dict (Python loads it with torch.load).
set net [torch::sequential [list [torch::linear 4 8] [torch::linear 8 1]]]
close [file tempfile path /tmp/weights.pt]
puts [torch::save_state_dict $net $path]
file delete $path
